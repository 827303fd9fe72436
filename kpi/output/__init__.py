"""What the product hands out: charts, the deck, JSON, the command line's table, PPTX and PDF packs."""
