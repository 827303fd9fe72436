"""Words and numbers for people: translation, number and date formats, colours, phrases."""
