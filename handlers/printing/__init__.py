"""Printed copies: asking (`ask`), the staff's steps and lists (`desk`), a rejection's reason
(`reject`); `views` renders a request for staff and requester alike.

🖨 on a material → how many → ward → delivery place → wanted by → confirm → sent to staff.
/printqueue (staff): open requests of their units with the next step's buttons.
/myrequests: one's own requests. The requester hears about every step.
Rules, permissions and audit are in bot/materials/printing.py (PrintDesk).
"""
