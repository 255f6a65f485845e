import pytest


@pytest.fixture
def coach(client, world):
    """The world's coach, signed in."""
    client.force_login(world.users["coach"])
    return world.users["coach"]
