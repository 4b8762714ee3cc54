import factory
from django.contrib.auth.models import Group

from accounts.models import User

PASSWORD = "mot-de-passe-de-test"


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff user; ``role`` names the group, ``establishments`` the ones they belong to."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def establishments(self, create, extracted, **kwargs):
        if create and extracted:
            self.establishments.set(extracted)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()
