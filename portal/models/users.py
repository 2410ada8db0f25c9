from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """An account of the portal.

    Roles, grants over unit subtrees and the link to a person's dossier are added by
    the accounts issue; the custom model exists from the first migration so that
    they can be added without swapping ``AUTH_USER_MODEL`` later.
    """

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
