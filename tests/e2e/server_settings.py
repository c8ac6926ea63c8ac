"""Settings of the app server the browser tests start: mail goes to files."""

import os

from project.settings import *  # noqa: F403

# The tests read verification and reset links from these files.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["E2E_MAIL_DIR"]
