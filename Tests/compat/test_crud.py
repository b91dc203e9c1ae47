"""CRUD through pymongo: the driver's own handshake, sessions, retryable writes and cursors."""
import datetime

import pymongo
import pytest
from bson import ObjectId
from pymongo.errors import DuplicateKeyError, OperationFailure


def test_handshake_reports_a_replica_set_primary(client):
    hello = client.admin.command("hello")
    assert hello["isWritablePrimary"] is True
    assert hello["setName"] == "rs0"
    assert hello["maxWireVersion"] == 17
    info = client.server_info()
    assert info["version"] == "6.0.0"
    assert client.admin.command("ping")["ok"] == 1.0


def test_insert_find_update_delete_roundtrip(db):
    readings = db.readings
    at = datetime.datetime(2024, 7, 27, 8, 3, tzinfo=datetime.timezone.utc)
    result = readings.insert_one({"feed": "usgs", "key": "us1", "at": at, "values": {"mag": 4.6}, "tags": None})
    assert isinstance(result.inserted_id, ObjectId)
    found = readings.find_one({"feed": "usgs"})
    assert found["values"] == {"mag": 4.6}
    assert found["at"].replace(tzinfo=datetime.timezone.utc) == at
    assert found["tags"] is None
    assert readings.find_one({"tags": None})["key"] == "us1"

    update = readings.update_one({"key": "us1"}, {"$set": {"values.mag": 4.8}, "$inc": {"revisions": 1}})
    assert (update.matched_count, update.modified_count) == (1, 1)
    assert readings.find_one({"key": "us1"})["values"]["mag"] == 4.8

    upsert = readings.update_one({"feed": "usgs", "key": "us2"}, {"$set": {"values": {"mag": 2.0}}}, upsert=True)
    assert upsert.upserted_id is not None
    assert readings.find_one({"_id": upsert.upserted_id})["key"] == "us2"

    replaced = readings.replace_one({"key": "us2"}, {"feed": "usgs", "key": "us2", "values": {}})
    assert replaced.modified_count == 1
    assert readings.count_documents({"feed": "usgs"}) == 2
    assert readings.estimated_document_count() == 2
    assert readings.delete_many({"feed": "usgs"}).deleted_count == 2
    assert readings.count_documents({}) == 0


def test_cursor_batches_sort_skip_limit_projection(db):
    db.numbers.insert_many([{"n": i, "even": i % 2 == 0} for i in range(250)])
    cursor = db.numbers.find({"even": True}, {"_id": 0, "n": 1}, batch_size=7).sort("n", pymongo.DESCENDING).skip(3).limit(50)
    values = [doc["n"] for doc in cursor]
    assert values == list(range(242, 242 - 100, -2))
    assert all(set(doc) == {"n"} for doc in db.numbers.find({}, {"_id": 0, "n": 1}).limit(3))
    assert len(list(db.numbers.find(batch_size=10))) == 250
    assert sorted(db.numbers.distinct("even")) == [False, True]


def test_find_one_and_update_returns_documents(db):
    db.counters.insert_one({"_id": "runs", "n": 0})
    after = db.counters.find_one_and_update({"_id": "runs"}, {"$inc": {"n": 1}}, return_document=pymongo.ReturnDocument.AFTER)
    assert after["n"] == 1
    before = db.counters.find_one_and_update({"_id": "runs"}, {"$inc": {"n": 1}})
    assert before["n"] == 1
    created = db.counters.find_one_and_update({"_id": "new"}, {"$setOnInsert": {"n": 10}}, upsert=True,
                                              return_document=pymongo.ReturnDocument.AFTER)
    assert created == {"_id": "new", "n": 10}
    assert db.counters.find_one_and_delete({"_id": "runs"})["n"] == 2
    assert db.counters.count_documents({}) == 1


def test_bulk_write_mixes_operations(db):
    result = db.bulk.bulk_write([
        pymongo.InsertOne({"_id": 1, "v": 1}),
        pymongo.InsertOne({"_id": 2, "v": 2}),
        pymongo.UpdateOne({"_id": 1}, {"$set": {"v": 10}}),
        pymongo.UpdateMany({}, {"$inc": {"v": 1}}),
        pymongo.DeleteOne({"_id": 2}),
        pymongo.ReplaceOne({"_id": 3}, {"v": 3}, upsert=True),
    ])
    assert result.inserted_count == 2
    assert result.modified_count == 3
    assert result.deleted_count == 1
    assert result.upserted_count == 1
    assert {d["_id"]: d["v"] for d in db.bulk.find()} == {1: 11, 3: 3}


def test_immutable_id_and_unknown_operator_errors(db):
    db.strict.insert_one({"_id": 1, "a": 1})
    with pytest.raises(OperationFailure) as immutable:
        db.strict.update_one({"_id": 1}, {"$set": {"_id": 2}})
    assert immutable.value.code == 66
    with pytest.raises(OperationFailure) as unknown:
        list(db.strict.find({"a": {"$near": [0, 0]}}))
    assert unknown.value.code in (2, 238)
    with pytest.raises(OperationFailure) as missing:
        db.command("noSuchCommand")
    assert missing.value.code == 59


def test_collections_and_databases(client, db):
    db.create_collection("made")
    with pytest.raises(OperationFailure) as exists:
        db.command("create", "made")
    assert exists.value.code == 48
    db.other.insert_one({"x": 1})
    assert sorted(db.list_collection_names()) == ["made", "other"]
    assert db.name in client.list_database_names()
    db.drop_collection("made")
    assert db.list_collection_names() == ["other"]
