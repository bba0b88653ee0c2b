"""Stage 4: render. One builder per output format over the same localized document:
`render.pdf` (ReportLab) for every printed product."""
