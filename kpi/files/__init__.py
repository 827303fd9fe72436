"""Reading import files (CSV, XLSX) into rows, and the columns each kind of file has."""
