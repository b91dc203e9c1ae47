"""Change streams through pymongo's watch(): events, resume_after, start_after, updateLookup, scopes."""
import threading

import pytest
from pymongo.errors import OperationFailure


def test_first_event_arrives_at_a_waiting_stream(db):
    db.readings.insert_one({"seed": True})
    with db.readings.watch(max_await_time_ms=10000) as stream:
        timer = threading.Timer(0.2, lambda: db.readings.insert_one({"feed": "usgs", "key": "first"}))
        timer.start()
        event = stream.next()
        timer.join()
    assert event["operationType"] == "insert"
    assert event["fullDocument"]["key"] == "first"
    assert event["ns"] == {"db": db.name, "coll": "readings"}


def test_update_events_with_description_and_update_lookup(db):
    db.readings.insert_one({"_id": 1, "v": 1})
    with db.readings.watch(full_document="updateLookup", max_await_time_ms=2000) as stream:
        db.readings.update_one({"_id": 1}, {"$set": {"v": 2}})
        event = stream.next()
    assert event["operationType"] == "update"
    assert event["updateDescription"]["updatedFields"] == {"v": 2}
    assert event["updateDescription"]["removedFields"] == []
    assert event["fullDocument"] == {"_id": 1, "v": 2}
    assert event["documentKey"] == {"_id": 1}


def test_resume_after_continues_without_loss_or_repeat(db):
    with db.events.watch(max_await_time_ms=2000) as stream:
        db.events.insert_many([{"_id": i} for i in range(5)])
        first_two = [stream.next() for _ in range(2)]
        token = stream.resume_token
    assert [e["documentKey"]["_id"] for e in first_two] == [0, 1]
    db.events.insert_one({"_id": 5})
    with db.events.watch(resume_after=token, max_await_time_ms=500) as resumed:
        ids = [resumed.next()["documentKey"]["_id"] for _ in range(4)]
        assert resumed.try_next() is None
    assert ids == [2, 3, 4, 5]


def test_start_after_an_invalidate(db):
    db.gone.insert_one({"_id": 1})
    with db.gone.watch(max_await_time_ms=2000) as stream:
        db.gone.drop()
        kinds = [stream.next()["operationType"] for _ in range(2)]
        invalidate = stream.resume_token
        assert not stream.alive
    assert kinds == ["drop", "invalidate"]
    with pytest.raises(OperationFailure) as refused:
        db.gone.watch(resume_after=invalidate)
    assert refused.value.code == 260
    with db.gone.watch(start_after=invalidate, max_await_time_ms=2000) as again:
        db.gone.insert_one({"_id": 2})
        assert again.next()["documentKey"] == {"_id": 2}


def test_database_and_cluster_streams_with_a_pipeline(client, db):
    with db.watch([{"$match": {"operationType": "insert", "ns.coll": "wanted"}}], max_await_time_ms=2000) as database_stream, \
            client.watch(max_await_time_ms=2000) as cluster_stream:
        db.ignored.insert_one({"x": 0})
        db.wanted.insert_one({"x": 1})
        event = database_stream.next()
        assert event["fullDocument"]["x"] == 1
        seen = [cluster_stream.next()["ns"]["coll"] for _ in range(2)]
    assert seen == ["ignored", "wanted"]
