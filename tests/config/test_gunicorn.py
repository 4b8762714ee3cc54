"""gunicorn's access log (config/gunicorn.conf.py): what an operator reads, and what must not be there."""

import datetime
import runpy
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

CONF = Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"


def access_line(*, path: str, query: str, forwarded_for: str | None) -> str:
    settings = runpy.run_path(str(CONF))
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", settings["access_log_format"])
    logger = Logger(config)
    headers = [("USER-AGENT", "Mozilla/5.0 (Android)")]
    if forwarded_for:
        headers.append(("X-FORWARDED-FOR", forwarded_for))
    environ = {
        "REMOTE_ADDR": "10.0.0.2", "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
        "RAW_URI": f"{path}?{query}", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_USER_AGENT": "Mozilla/5.0 (Android)",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])
    atoms = logger.atoms_wrapper_class(
        logger.atoms(response, SimpleNamespace(headers=headers), environ, datetime.timedelta(microseconds=41_500))
    )
    return config.access_log_format % atoms


def test_the_franceconnect_code_and_state_never_reach_the_access_log():
    line = access_line(path="/connexion/franceconnect/retour/", query="code=SECRET-CODE&state=SECRET-STATE",
                       forwarded_for=None)
    assert "SECRET" not in line
    assert '"GET /connexion/franceconnect/retour/ HTTP/1.1" 302' in line


def test_the_client_behind_the_load_balancer_is_logged_beside_the_balancer():
    line = access_line(path="/mon-espace/pecule/", query="", forwarded_for="203.0.113.7")
    assert line.startswith('10.0.0.2 xff="203.0.113.7" [')
    assert line.endswith(' 41ms "Mozilla/5.0 (Android)"')


def test_without_a_load_balancer_the_forwarded_address_is_a_dash():
    assert access_line(path="/", query="", forwarded_for=None).startswith('10.0.0.2 xff="-" [')
