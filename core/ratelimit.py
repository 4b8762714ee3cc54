"""Who a request comes from, and how often: the portal's one reading of X-Forwarded-For and its one counter
of events per key over a window (the contact form, the staff's password reset; django-axes reads the same
address for the staff logins)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address a request comes from. Behind ``TRUSTED_PROXY_COUNT`` proxies, each appending the address it
    saw to X-Forwarded-For, it is that many entries from the right (what the client put on the left is
    ignored); a chain shorter than that, or not an address there, did not come through the proxies:
    REMOTE_ADDR then."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < count:
        return remote
    hop = hops[-count]
    if hop.startswith("[") and "]" in hop:  # [2001:db8::1]:443
        hop = hop[1:hop.index("]")]
    elif hop.count(":") == 1:  # 203.0.113.7:51234
        hop = hop.partition(":")[0]
    try:
        return str(ipaddress.ip_address(hop))
    except ValueError:
        return remote


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one more event under ``key``; False once there have been more than ``limit`` within ``window``
    seconds of the first (the count then starts again). The cache is shared by every node (CACHE_URL)."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
