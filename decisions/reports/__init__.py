"""Scrutiny-committee reports: what goes in them (content), the drafted front matter
(drafts), the PDF (render) and the stored report (services)."""
