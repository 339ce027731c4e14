"""Reading and writing kpi_xl workbooks: the schema, the reader (file or live Excel) and the template."""
