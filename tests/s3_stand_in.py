"""moto's standalone S3 server as a process of its own, standing in for an S3-compatible object store.

`moto_s3` starts `moto_server` on a free port of 127.0.0.1 once per session and fails, saying why, when it cannot.
`new_bucket` makes a private bucket and gives the FILE_STORAGE_S3_* variables an operator would set for it; the
`bucket` fixture makes the service store its files there, through the settings' own block of those variables.
"""

import runpy
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests

import avustamo.settings

REGION = "eu-north-1"
ACCESS_KEY = "moto-access-key"
SECRET_KEY = "moto-secret-key"
PREFIX = "avustamo"


@dataclass
class Bucket:
    client: object
    name: str
    environment: dict[str, str]

    def key(self, stored_name: str) -> str:
        return f"{PREFIX}/{stored_name}"

    def read(self, stored_name: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=self.key(stored_name))["Body"].read()

    def stored_files(self) -> dict[str, bytes]:
        """Every object under the prefix, by the name the service stored it under."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=f"{PREFIX}/")
        names = [
            item["Key"].removeprefix(f"{PREFIX}/") for page in pages for item in page.get("Contents", [])
        ]
        return {name: self.read(name) for name in names}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def moto_s3():
    """moto's S3 server on a free port of 127.0.0.1, for the whole session: its address."""
    port = _free_port()
    executable = Path(sys.executable).parent / "moto_server"
    process = subprocess.Popen(
        [str(executable), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(f"{url}/moto-api/", timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"moto's S3 server ({executable}) did not start on port {port}: {process.stderr.read()[-2000:]}"
                ) from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def new_bucket(moto_s3: str) -> Bucket:
    name = f"avustamo-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_s3,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    environment = {
        "FILE_STORAGE_S3_BUCKET": name,
        "FILE_STORAGE_S3_ENDPOINT_URL": moto_s3,
        "FILE_STORAGE_S3_REGION": REGION,
        "FILE_STORAGE_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "FILE_STORAGE_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "FILE_STORAGE_S3_PREFIX": PREFIX,
        "FILE_STORAGE_S3_SERVER_SIDE_ENCRYPTION": "AES256",
    }
    return Bucket(client=client, name=name, environment=environment)


@pytest.fixture
def bucket(moto_s3, settings, monkeypatch) -> Bucket:
    """A new private bucket, and the service storing its files there as the production settings read the
    FILE_STORAGE_S3_* variables."""
    made = new_bucket(moto_s3)
    for variable, value in made.environment.items():
        monkeypatch.setenv(variable, value)
    production = runpy.run_path(avustamo.settings.__file__)
    settings.STORAGES = {**settings.STORAGES, "default": production["STORAGES"]["default"]}
    return made
