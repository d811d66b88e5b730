from tests.hostile.conftest import refused


def test_a_missing_engagement_is_refused(tmp_path):
    refused("validate", tmp_path / "nowhere", says="engagement")
