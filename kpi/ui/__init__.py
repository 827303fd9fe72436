"""The Streamlit glue: cached loaders, the page frame, widgets. The only Streamlit in `kpi`."""
