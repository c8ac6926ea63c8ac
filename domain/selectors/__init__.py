"""Read-side queries shared by the API, the pages and the dashboards."""
