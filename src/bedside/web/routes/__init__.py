"""One module per page group, each with a `router` (HTML pages and their /api/ twins);
app.create_app includes every one it finds here."""
