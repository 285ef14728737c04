"""Stage 1, the text: sentences, quote regions and the clause cuts that make segments."""
