import pytest

from tests.project.world import World, build_world


@pytest.fixture
def world(db, tmp_path, settings, monkeypatch) -> World:
    return build_world(tmp_path, settings, monkeypatch)
