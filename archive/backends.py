from axes.backends import AxesStandaloneBackend


class SignInProtectionBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every sign-in that comes with a request.

    Sign-in through the admin's form always has one. Code that authenticates without a request
    (Django's test client `login()`, scripts) has no client address to lock out, so the check
    steps aside and the next backend decides, instead of raising an error.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
