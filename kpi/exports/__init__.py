"""Meeting packs: the deck (kpi.deck) as PPTX and PDF."""
