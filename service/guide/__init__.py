"""The guide: its context from the data, its PDFs, and the requests they fulfil."""
