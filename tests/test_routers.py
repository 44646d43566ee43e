import pytest
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tracker.models import Claim
from tracker.routers import REPLICA_DB_ALIAS, ReplicaRouter, public_reads

ROUTER = "tracker.routers.ReplicaRouter"
MIDDLEWARE = "tracker.routers.ReplicaReadsMiddleware"


def test_router_reads_public_data_from_replica_in_public_reads():
    with public_reads():
        assert ReplicaRouter().db_for_read(Claim) == REPLICA_DB_ALIAS


def test_router_reads_from_primary_outside_public_reads():
    assert ReplicaRouter().db_for_read(Claim) == "default"


def test_router_reads_users_from_primary_in_public_reads():
    with public_reads():
        assert ReplicaRouter().db_for_read(get_user_model()) == "default"


@pytest.mark.django_db
def test_router_reads_from_primary_inside_a_transaction():
    with public_reads(), transaction.atomic():
        assert ReplicaRouter().db_for_read(Claim) == "default"


def test_router_writes_to_primary_in_public_reads():
    with public_reads():
        assert ReplicaRouter().db_for_write(Claim) == "default"


def test_router_migrates_primary_only():
    assert ReplicaRouter().allow_migrate("default", "tracker")
    assert not ReplicaRouter().allow_migrate(REPLICA_DB_ALIAS, "tracker")


@pytest.fixture
def routed(settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: auth + 1],
        MIDDLEWARE,
        *settings.MIDDLEWARE[auth + 1 :],
    ]


def tracker_queries(context):
    return [q["sql"] for q in context.captured_queries if "tracker_claim" in q["sql"]]


# Transactional, so that the replica's connection sees the rows; no serialized rollback: after
# another transactional test's flush, its snapshot's content types clash with the recreated ones.
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA_DB_ALIAS])
def test_claim_list_for_anonymous_reads_from_replica(client, routed):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as replica,
    ):
        assert client.get(reverse("public:claim_list")).status_code == 200
    assert tracker_queries(replica)
    assert not tracker_queries(primary)


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA_DB_ALIAS])
def test_claim_list_for_staff_reads_from_primary(client, routed, admin_user):
    client.force_login(admin_user)
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as replica,
    ):
        assert client.get(reverse("public:claim_list")).status_code == 200
    assert tracker_queries(primary)
    assert not tracker_queries(replica)
