import json, subprocess
src = subprocess.run(["git", "show", "HEAD:content/safety_patterns.json"], capture_output=True, text=True, check=True).stdout
d = json.loads(src)
rules = d["rules"]; g = d["groups"]; inf = d["informational"]; ign = d["ignore"]; fic = d["fiction"]
def rule(rid): return next(r for r in rules if r["id"] == rid)
def insert_after(rid, new):
    # new rules go at the end of the list (the lead's note: easier merges)
    assert any(r["id"] == rid for r in rules)
    rules.append(new)
def add(lst, *items):
    for it in items:
        if it not in lst: lst.append(it)
def widen(rid, part, extra):
    r = rule(rid)
    alts = r["match"][part].split("|")
    for e in extra.split("|"):
        if e not in alts: alts.append(e)
    r["match"][part] = "|".join(alts)

# ---------------- misses: new rules
# a farewell "thanks for everything, goodbye" followed by a sign (the phone turned off, cuts before)
insert_after("self-harm-goodbye-all", {"id": "self-harm-thanks-goodbye", "category": "self_harm", "match": [
    "vì tất cả|vì tất|vì mọi thứ|vì tất cả mọi thứ", "~4", "tạm biệt|tạm|vĩnh biệt|goodbye|bye", "~12",
    "tắt máy|tắt điện thoại|tắt nguồn|không nghe máy|không liên lạc được|gọi không được|gọi không bắt máy|từng cắt tay|từng rạch tay|từng cào tay|từng tự hại|khóa face|khóa facebook"]})
widen("self-harm-en-2", 0, "this is my last message|my last message|my final message|this is goodbye")
insert_after("self-harm-en-2", {"id": "self-harm-en-unnoticed", "category": "self_harm", "match": [
    "if i disappear|if i disappeared|if i died|if i was gone|if i were gone|if i vanished|if i'm gone|if im gone", "~3", "nobody|no one|noone"]})
# a child not in the tent, bed or room where they slept
insert_after("missing-false-whereabouts", {"id": "missing-not-in-bed", "category": "missing", "match": [
    "{child_cues}", "~2", "không có trong|không còn trong|không thấy trong|không có ở trong|không còn ở trong|không thấy ở trong", "lều|phòng ngủ|giường|mùng|trại|phòng"]})
# a girl sitting with customers is never taken back
# (a rule of its own, heard after a veto: exploitation-escort is being reviewed on another branch)
insert_after("exploitation-escort", {"id": "exploitation-sits-with-customers", "category": "exploitation", "topic": False, "firm": True, "match": [
    "{child_cues}|nữ sinh", "~12", "ngồi bàn với khách|ngồi bàn|ngồi với khách|rót bia cho khách|rót rượu cho khách|lấy tiền bo|lấy tiền boa"]})
# a child gagged
insert_after("violence-idiom", {"id": "violence-gagged", "category": "violence", "match": [
    "{adults}", "~6", "bịt miệng|dán miệng|dán băng keo vào miệng|dán keo miệng|nhét giẻ vào miệng|lấy băng keo dán", "~1", "{victims}|mấy bé|các bé|mấy đứa|tụi nhỏ"]})
# a trip abroad promised free to a child
insert_after("trafficking-recruit-abroad", {"id": "trafficking-free-abroad", "category": "trafficking", "match": [
    "hứa|rủ|dụ|bảo|hứa hẹn", "~2", "cho|đưa|dẫn", "{victims}", "~1", "qua|sang|đi", "nhật|hàn|hàn quốc|đài loan|trung quốc|malaysia|singapore|nước ngoài|campuchia|thái lan|úc", "~6",
    "miễn phí|không tốn tiền|không mất tiền|lương cao|bao ăn ở|lo hết|đi bằng tàu|đi đường biển|đi chui|đi lậu|vượt biên"]})
# chasing a vehicle that carries a child away
insert_after("now-blindfolded", {"id": "now-chasing-vehicle", "category": "immediate", "now": True, "topic": False, "match": [
    "đang chạy theo|đang đuổi theo|đang rượt theo|đang bám theo|đang chạy xe theo|đang chạy đuổi", "~3", "xe|chiếc xe|xe ôm|xe máy|ô tô|xe hơi|taxi", "~4", "chở|bắt|chở theo|ôm|chở đi", "~2", "{child_cues}"]})
# nobody cooks and the child is hungry
insert_after("neglect-left-alone-days", {"id": "neglect-nobody-cooks", "category": "neglect", "match": [
    "không có ai|không ai|chẳng ai|không còn ai", "~1", "nấu cơm|cho ăn|nấu ăn|lo cơm|lo ăn", "~8", "{writer}|{children}", "~2", "đói|đói bụng|nhịn đói|chưa ăn|chưa được ăn"]})
# left at home for days
insert_after("neglect-left-alone-days", {"id": "neglect-left-home-days", "category": "neglect", "topic": False, "match": [
    "bỏ", "{writer}|{children}", "~1", "ở nhà|một mình|1 mình|ở nhà một mình", "!ngoại|nội|bà|ông|cô|dì|chú|bác|hàng xóm|bạn|người quen|ông bà|bà ngoại|bà nội", "~4", "# ngày|mấy ngày|nhiều ngày|cả tuần|# tuần|mấy hôm|# hôm|# đêm|mấy đêm"]})
# left home alone behind a lock, all day
insert_after("neglect-left-alone-days", {"id": "neglect-left-locked", "category": "neglect", "match": [
    "bỏ|để|nhốt", "~2", "ở nhà một mình|ở nhà 1 mình|một mình trong nhà|một mình ở nhà", "~4", "khóa ngoài|ổ khóa ngoài|khóa cửa ngoài|khóa trái|khóa cửa|từ sáng|hàng ngày|cả ngày|mỗi ngày|đến tối|tới tối|từ # giờ|từ #h"]})
# kicked out onto the street; called a whore
insert_after("neglect-shut-out", {"id": "neglect-thrown-out", "category": "neglect", "match": [
    "{adults}", "~12", "đuổi|tống", "{victims}", "~1", "ra đường|ra khỏi nhà|ra ngoài đường|ra ngoài ngủ|đi chỗ khác"]})
insert_after("violence-idiom", {"id": "violence-slur", "category": "violence", "match": [
    "{adults}", "~4", "nói|chửi|kêu|gọi|mắng", "{victims}", "~1", "là con đĩ|là đồ đĩ|con đĩ|đồ đĩ|đồ điếm|con điếm|đồ con hoang|con hoang|đồ đĩ thõa"]})
# children working in a hazardous place
insert_after("exploitation-long-hours", {"id": "exploitation-hazardous", "category": "exploitation", "match": [
    "{child_cues}", "~8", "làm việc|làm thuê|làm công|lao động", "~16", "độc hại|không có đồ bảo hộ|không đồ bảo hộ|không bảo hộ|không có bảo hộ|hóa chất|không được trả lương|không trả lương"]})
# a child's worn underwear bought
insert_after("exploitation-escort", {"id": "exploitation-worn-underwear", "category": "exploitation", "match": [
    "mua|bán|xin|trả tiền|đổi", "~3", "quần lót|đồ lót|áo lót|quần chip|áo ngực|đồ trong", "~2", "đã mặc|đang mặc|đã qua sử dụng|đã dùng|chưa giặt|mặc rồi"]})
# children dropped at crossroads to sell and collected at night
insert_after("exploitation-long-hours", {"id": "exploitation-dropped-to-sell", "category": "exploitation", "match": [
    "chở|đưa|thả|rải", "~3", "{child_cues}", "~3", "đi rải|rải ra|thả ra|ra các ngã tư|ở các ngã tư|ra ngã tư|đi bán vé số|bán vé số|ăn xin|xin tiền|bán kẹo", "~8", "gom về|thu tiền|nộp tiền|lấy hết tiền|chở về|đón về|gom lại"]})
# a punishment that makes children eat paper or soap
insert_after("violence-idiom", {"id": "violence-made-to-eat", "category": "violence", "match": [
    "bắt", "~3", "{victims}|mấy bé|các bé", "~4", "ăn giấy|ăn phấn|ăn xà phòng|uống nước xà phòng|ăn ớt|liếm đất|liếm sàn|ăn dép|ăn đất|ăn cát"]})
# giving away one's pet or things, "no longer needed"
widen("self-harm-give-away", 0, "gửi lại")
# smoke in the house
insert_after("now-fire", {"id": "now-smoke-home", "category": "immediate", "now": True, "match": [
    "nhà em|nhà con|nhà mình|nhà tui|nhà tôi|phòng em|phòng con|phòng mình", "~2", "có khói|đầy khói|bốc khói|khói đen|khói", "!nhang|bếp|thuốc|hương|nướng|than|xe|muỗi"]})
# a parent who slaps habitually, typed without accents ("bo minh hay tat minh")
insert_after("violence-slap-typed", {"id": "violence-slap-habitual", "category": "violence", "topic": False, "firm": True, "match": [
    "{adults}", "~2", "hay|thường|suốt ngày|cứ|thường xuyên|hay bị", "tát|tat", "{victims}", "!{animals}"]})
# "ai thấy liên hệ" is a plea, not "thấy liền" (found at once): with its accents only
r = d["resolved"]["missing"]
r[:] = [x for x in r if x not in ("thấy liền", "tìm thấy liền")]
add(r, "thấy liền rồi", "tìm thấy liền rồi", "là thấy liền", "thì thấy liền", "ra thấy liền", "kiếm thấy liền")
# "bé trai" is no fruit ("trái") before "mất tích": with its accents only
g["things"][:] = ["=trái" if x == "trái" else x for x in g["things"]]
# "mua đồ lót" is no shopping
add(d["not_ignored"], "mua đồ lót", "bán đồ lót", "mua đồ trong")
# official salutations are no topic question ("Kính gửi chương trình, …")
add(ign, "kính gửi chương trình", "gửi chương trình", "thưa chương trình", "chào chương trình")
# a child who came home and told, the writer's own child or uncle
add(inf["referents"], "về kể", "về nhà kể", "con em về", "con em bị", "con em kể", "con em nói", "con tui", "con của em", "con của tôi", "chú con", "chú em", "dì con", "con mới #")
add(inf["referents"], "qua tìm hiểu", "hộ gia đình", "tổ dân phố", "thông báo khẩn")

# ---------------- false alarms
# English films about a kidnapping
add(ign, ["movie|film|show|cartoon|series|book|novel|episode|documentary|drama", "about a|about the|about|was about a|is about a", "kidnapping|kidnapped girl|kidnapped boy|kidnapped child|kidnapped kid|kidnapper|kidnappers|kidnap|abduction"])
add(ign, ["was about a|is about a|was about|is about", "kidnapped girl|kidnapped boy|kidnapped child|kidnapped kid|kidnapping"])
# laundry
add(ign, ["đánh bay", "vết|mọi vết|vết bẩn|vết mực|vết ố|dầu mỡ|mùi|mọi mùi|vết dầu"])
# martial-arts lessons
# ("học vo ma": "võ mà", not "vỗ má")
add(ign, ["học võ|tập võ|đi học võ|đi tập võ", "mà|ma"])
d["fiction"]["play"].append({"_comment": "A martial-arts lesson: being hit hard is the training ('lo bị đánh đau'; a teacher who hits a child is still named: 'thầy đánh em bằng roi').",
    "cues": ["học võ", "tập võ", "lớp võ", "võ đường", "vovinam", "karate", "taekwondo", "judo", "boxing", "đấu võ", "học vo", "tập vo"],
    "words": ["bị đánh đau", "bị đánh trúng", "bị đá trúng"]})
# a parrot that talks
add(ign, ["vẹt|két|nhồng|con vẹt|con két|con nhồng", "biết nói|hay nói|nói|kêu|học nói|nhại", "cứu tui với|cứu tui|cứu tôi|cứu với|cứu em|cứu tôi với|cứu em với|cứu"])
# a child who lost a pet
# running away in quotes; back half an hour later
add(fic["quoted"], "bỏ nhà ra đi", "bỏ nhà đi bụi")
add(d["resolved"]["missing"], "phút sau về ăn cơm", "phút sau là về ăn cơm", "phút sau đã về", "phút sau thì về")
# a nail stepped on
add(ign, ["đạp trúng|đạp phải|giẫm phải|giẫm trúng|dẫm phải|dẫm trúng|đạp", "đinh|cây đinh|miểng chai|mảnh chai|gai|mảnh kính|mảnh thủy tinh"])
# Doraemon
add(ign, "đô rê mon", "đôrêmon", "doraemon", "đô-rê-mon", "đô rê mi")
# pillow and sword fights
add(ign, "đánh gối", "chơi đánh gối", "đánh kiếm", "trò đánh kiếm", "chơi đánh kiếm", "đánh trận giả", "chơi đánh trận giả", "đánh nhau bằng gối")
# rescued by a superhero
add(ign, ["được siêu nhân|được người nhện|được siêu anh hùng|được ultraman|được batman|được superman|được người dơi", "cứu|giải cứu|cứu sống|cứu ra"])
# a lesson at school about body safety
add(inf["first_person"], "của em", "vào em", "của con", "của cháu")
add(inf["hypothetical"], "cô dạy nếu", "thầy dạy nếu", "cô dặn nếu", "mẹ dạy nếu", "cô dạy là nếu", "cô có dạy nếu", "được dạy là nếu", "cô nói nếu")
# a child who cannot find an eraser
add(ign, ["không tìm thấy|tìm không thấy|tìm không ra|kiếm không ra|kiếm không thấy|không kiếm thấy|tìm hoài không thấy|không thấy", "cục tẩy|cục gôm|gôm|bút chì|hộp bút|cây bút|thước kẻ|đồ chơi|chìa khóa|remote|dép|chiếc dép|cặp sách"])
# the extinction of dinosaurs
add(ign, ["sự mất tích|sự biến mất|sự tuyệt chủng", "của khủng long|của loài|của các loài|của nền|của máy bay|của chuyến bay|của tàu"])
# a hard sum
add(ign, ["muốn chết|chết mất|chết", "với bài toán|với bài tập|với môn|với đề|với đống bài tập|với cái đề|với bài kiểm tra|với bài thi|với bài"])
# "mẹ không cho em đi chơi với bạn"
rule("trafficking-recruit-abroad")["match"].insert(0, "!<{negation}")
# a ball that hit the head
add(ign, "đánh trúng bóng", "đánh bóng trúng", "đập bóng trúng", "đá bóng trúng", "ném bóng trúng", "bóng chuyền")
# a fall at playtime
add(ign, ["bị té|bị ngã|vấp té|vấp ngã|trượt té|trượt ngã|tự té|tự ngã", "trong giờ ra chơi|lúc ra chơi|khi ra chơi|giờ ra chơi|lúc chơi|khi chơi|trong sân trường|ở sân trường", "chảy máu mũi|chảy máu|trầy|trầy chân|trầy tay|u đầu"])
# locked out because the key was forgotten
add(ign, ["bị nhốt ngoài cửa|bị nhốt ngoài|bị khóa ngoài|nhốt ngoài cửa|bị nhốt bên ngoài", "vì quên chìa khóa|vì quên mang chìa khóa|vì làm mất chìa khóa|do quên chìa khóa|quên chìa khóa|vì quên chìa"])
# a holiday trip, fleeing the heat
add(ign, ["nghỉ lễ|nghỉ tết|lễ này|tết này|dịp lễ", "bỏ nhà đi|bỏ nhà lên|bỏ nhà ra", "vũng tàu|đà lạt|nha trang|phú quốc|biển|du lịch|chơi"])
add(ign, ["muốn bỏ nhà đi|bỏ nhà đi", "lên đà lạt|đi đà lạt|ra biển|đi biển|lên núi|đà lạt|vũng tàu|biển|núi|quê", "cho mát|hóng mát|nghỉ mát|trốn nóng"])
add(ign, ["muốn bỏ nhà đi|bỏ nhà đi", "ghê|quá|thiệt", "phòng trọ nóng|nhà nóng|trời nóng|nóng quá|nóng như"])
# "tuổi teen" speaks of teenagers in general
add(inf["topic_subjects"], "ở tuổi teen", "tuổi teen", "tuổi dậy thì", "ở tuổi dậy thì", "ở thiếu niên", "ở học sinh")

open("content/safety_patterns.json", "w").write(json.dumps(d, ensure_ascii=False, indent=1) + "\n")
