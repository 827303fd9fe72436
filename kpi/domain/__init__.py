"""The rules of the product: records, months, status, cascade, CX measures, SMART, access.

Pure: no storage, drawing, UI, data frames or language. Everything here is a function of its arguments."""
