"""Builds the project's own Arabic test pages: realistic layouts of Arabic news sites.

Stories (text written by the project) are placed into layouts modelled on how real Arabic
news sites and aggregators build their pages; each page comes with its expected output.
`python -m pagegen.build` (run from tests/extract) rewrites tests/extract/fixtures/pages/.
"""
