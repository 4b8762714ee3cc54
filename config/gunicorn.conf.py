"""gunicorn for the Portail des proches (``gunicorn -c config/gunicorn.conf.py config.wsgi``).

Every value can be set from the environment; nothing here keeps state on the node (sessions in the
database, cache and Celery broker in Redis), so more nodes behind a load balancer just work."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# No recycling of workers by default: gunicorn's gthread worker resets the connections it has accepted but not yet
# read when it restarts after max_requests (gunicorn issue #3038, open in 23.0): bench/same_day.py lost one payer's
# « Confirmer » at the bank out of 1,000 at each restart. GUNICORN_MAX_REQUESTS=2000 brings recycling back (bounded
# memory for a leaking dependency), with jitter so that workers do not all restart at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = 200 if max_requests else 0
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # empty: no access log
# The path without its query string: FranceConnect's return carries a one-time code and state, the
# bank's a payment reference, and neither belongs in a log. Behind the load balancer, the address
# that gunicorn sees is the balancer's: the X-Forwarded-For chain is logged beside it. Then the
# status, the size, the time taken in milliseconds and the browser.
access_log_format = '%(h)s xff="%({x-forwarded-for}i)s" %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Behind the load balancer (which terminates TLS and sets X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "portail-des-proches"
