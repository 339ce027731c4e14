"""The pure core of kpi_xl: KPI definitions, maths, SMART goals. Standard library only.

Nothing here imports xlwings, jinja2, weasyprint or smtplib (``tests/test_architecture.py``); the
edges (Excel functions, reports, delivery, command line) are adapters around it.
"""
