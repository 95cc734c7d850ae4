"""Statistics and the quarterly review pack (issue 9): periods, figures, workbook and chart."""
