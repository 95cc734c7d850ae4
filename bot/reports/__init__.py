"""Reports of children at risk and the cases they open: rules in plain, testable functions.

- `intake`: what a reporter may type at each step (age, first name, texts).
- `draft`: the report being written, its steps and sections, saved after every step.
- `lifecycle`: the case's steps under Decree 56/2017 and who may move it.
- `clocks`: working days, public holidays and the legal deadlines.
- `casework`: the actions of staff on a case, permission-checked and audited.
- `routing`: who is alerted of a new case.
"""
