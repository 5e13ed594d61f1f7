"""Pages: what each page of the site is (address, template, context), and what the templates get besides."""
