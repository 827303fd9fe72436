"""CX Cockpit: the product core. Importing it is cheap and never pulls in Streamlit."""

__version__ = "0.1.0"
