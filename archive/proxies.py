"""The client's address when the site runs behind trusted proxies (a load balancer, a CDN)."""

import ipaddress

from django.conf import settings


def client_address(request):
    """The address of whoever connected to the first trusted proxy.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For,
    so the client is the PROXY_COUNT-th address from the right. Anything to its left was sent
    by the client itself and could be forged, so it is never used.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.PROXY_COUNT:
        return remote
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if len(forwarded) < settings.PROXY_COUNT:
        return remote
    address = forwarded[-settings.PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        # Not an address (a port appended, garbage): the proxy's own address stands in, as
        # one that is never a client's to choose.
        return remote
