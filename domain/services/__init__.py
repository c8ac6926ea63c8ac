"""The only code that changes data. Each public function is one transaction."""
