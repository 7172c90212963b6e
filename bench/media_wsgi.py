"""The site with its public media served beside it, as the proxy in front of production does.

Only for bench/lighthouse.py: production's gunicorn serves no /media/ (a proxy or S3 does), and
Lighthouse counts every image it cannot load as a console error.
"""

from django.conf import settings
from whitenoise import WhiteNoise

from cms.wsgi import application as site

# autorefresh: image renditions are written while a page renders, after the server started.
application = WhiteNoise(site, autorefresh=True)
application.add_files(str(settings.MEDIA_ROOT), prefix=settings.MEDIA_URL.strip("/") + "/")
