"""Service layer: turn science results into files (tables, workbooks, reports)."""
