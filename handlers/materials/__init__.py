"""Communication materials: browsing and search (`browse`), staff adding and editing
(`editing`), hiding, reordering, posters and figures (`manage`); `views` renders a material.

Rules, permissions and audit are in bot/materials/service.py; the buttons in
bot/materials/buttons.py.
"""
