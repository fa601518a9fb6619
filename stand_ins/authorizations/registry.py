"""What the stand-in knows, in memory: the test persons' roles and mandates, sessions, codes and tokens."""

import copy
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

CODE_LIFETIME = timedelta(minutes=10)


@dataclass
class WebApiSession:
    session_id: str
    user_id: str
    identity_code: str
    expires_at: datetime
    chosen_business_id: str | None = None

    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


@dataclass
class Selection:
    """An authorization code: the organisation chosen in one session, for one return address."""

    session: WebApiSession
    redirect_uri: str
    scope: str
    expires_at: datetime = field(default_factory=lambda: timezone.now() + CODE_LIFETIME)

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


@dataclass
class AccessToken:
    session: WebApiSession
    scope: str

    def check_client(self, client) -> bool:
        return client.get_client_id() == settings.CLIENT_ID

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return max(0, int((self.session.expires_at - timezone.now()).total_seconds()))

    def is_expired(self) -> bool:
        return self.session.is_expired()

    def is_revoked(self) -> bool:
        return False


@dataclass
class Behaviour:
    """Test controls: answer the Web API calls late, or with an error status."""

    delay_seconds: float = 0.0
    failure_status: int | None = None


class Registry:
    def __init__(self, persons_file):
        self._persons_file = persons_file
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with open(self._persons_file, encoding="utf-8") as source:
            persons = json.load(source)["persons"]
        with self._lock:
            self._persons = {
                person["national_identification_number"]: copy.deepcopy(person) for person in persons
            }
            self._sessions: dict[str, WebApiSession] = {}
            self._codes: dict[str, Selection] = {}
            self._tokens: dict[str, AccessToken] = {}
            self.behaviour = Behaviour()

    # Sessions, codes and tokens

    def open_session(self, identity_code: str) -> WebApiSession:
        session = WebApiSession(
            session_id=str(uuid.uuid4()),
            user_id=str(uuid.uuid4()),
            identity_code=identity_code,
            expires_at=timezone.now() + timedelta(seconds=settings.SESSION_SECONDS),
        )
        with self._lock:
            self._sessions[session.session_id] = session
        return session

    def live_session(self, session_id: str) -> WebApiSession | None:
        session = self._sessions.get(session_id)
        return None if session is None or session.is_expired() else session

    def live_session_of_user(self, user_id: str) -> WebApiSession | None:
        for session in list(self._sessions.values()):
            if session.user_id == user_id and not session.is_expired():
                return session
        return None

    def expire_sessions(self) -> None:
        with self._lock:
            for session in self._sessions.values():
                session.expires_at = timezone.now()

    def save_selection(self, code: str, selection: Selection) -> None:
        with self._lock:
            self._codes[code] = selection

    def selection(self, code: str) -> Selection | None:
        selection = self._codes.get(code)
        return None if selection is None or selection.expires_at <= timezone.now() else selection

    def forget_selection(self, selection: Selection) -> None:
        with self._lock:
            for code, saved in list(self._codes.items()):
                if saved is selection:
                    del self._codes[code]

    def save_token(self, access_token: str, token: AccessToken) -> None:
        with self._lock:
            self._tokens[access_token] = token

    def token(self, access_token: str) -> AccessToken | None:
        return self._tokens.get(access_token)

    # Roles and mandates

    def organisations_to_choose(self, identity_code: str) -> list[dict]:
        """Every organisation the person holds a register role in or a mandate for, once, by name."""
        person = self._persons.get(identity_code, {"roles": [], "mandates": []})
        names = {entry["business_id"]: entry["name"] for entry in person["roles"] if entry["roles"]}
        names.update({entry["business_id"]: entry["name"] for entry in person["mandates"]})
        return sorted(
            ({"business_id": key, "name": name} for key, name in names.items()), key=lambda o: o["name"]
        )

    def roles_in(self, identity_code: str, business_id: str) -> dict | None:
        person = self._persons.get(identity_code, {"roles": []})
        for entry in person["roles"]:
            if entry["business_id"] == business_id and entry["roles"]:
                return entry
        return None

    def has_mandate(self, identity_code: str, business_id: str, issue: str) -> bool:
        person = self._persons.get(identity_code, {"mandates": []})
        return any(
            entry["business_id"] == business_id and entry["issue"] == issue for entry in person["mandates"]
        )

    def end_role(self, identity_code: str, business_id: str, role: str | None) -> bool:
        with self._lock:
            person = self._persons.get(identity_code)
            for entry in person["roles"] if person else []:
                if entry["business_id"] == business_id and (role is None or role in entry["roles"]):
                    entry["roles"] = [] if role is None else [held for held in entry["roles"] if held != role]
                    return True
        return False

    def end_mandate(self, identity_code: str, business_id: str, issue: str) -> bool:
        with self._lock:
            person = self._persons.get(identity_code)
            mandates = person["mandates"] if person else []
            kept = [
                entry
                for entry in mandates
                if not (entry["business_id"] == business_id and entry["issue"] == issue)
            ]
            if person is None or len(kept) == len(mandates):
                return False
            person["mandates"] = kept
        return True


registry = Registry(settings.TEST_PERSONS)
