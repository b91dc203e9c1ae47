"""Indexes: creation, listing, unique enforcement with MongoDB's duplicate-key error shape."""
import pymongo
import pytest
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure


def test_create_list_and_drop_indexes(db):
    readings = db.readings
    unique = readings.create_index([("feed", 1), ("key", 1), ("at", 1)], unique=True)
    history = readings.create_index([("feed", 1), ("at", -1)])
    assert (unique, history) == ("feed_1_key_1_at_1", "feed_1_at_-1")
    info = readings.index_information()
    assert info["feed_1_key_1_at_1"]["unique"] is True
    assert info["feed_1_at_-1"]["key"] == [("feed", 1), ("at", -1)]
    assert readings.create_index([("feed", 1), ("at", -1)]) == "feed_1_at_-1"
    readings.drop_index("feed_1_at_-1")
    assert "feed_1_at_-1" not in readings.index_information()


def test_unique_violation_is_11000_with_key_pattern_and_value(db):
    readings = db.readings
    readings.create_index([("feed", 1), ("key", 1), ("at", 1)], unique=True)
    readings.insert_one({"feed": "velib", "key": "42", "at": 1})
    with pytest.raises(DuplicateKeyError) as raised:
        readings.insert_one({"feed": "velib", "key": "42", "at": 1})
    assert raised.value.code == 11000
    assert raised.value.details["keyPattern"] == {"feed": 1, "key": 1, "at": 1}
    assert raised.value.details["keyValue"] == {"feed": "velib", "key": "42", "at": 1}


def test_unordered_insert_many_reports_each_duplicate(db):
    db.items.create_index("code", unique=True)
    with pytest.raises(BulkWriteError) as raised:
        db.items.insert_many([{"code": 1}, {"code": 1}, {"code": 2}, {"code": 2}], ordered=False)
    details = raised.value.details
    assert details["nInserted"] == 2
    assert [error["index"] for error in details["writeErrors"]] == [1, 3]
    assert all(error["code"] == 11000 for error in details["writeErrors"])
    assert db.items.count_documents({}) == 2


def test_duplicate_id_is_refused(db):
    db.ids.insert_one({"_id": "a"})
    with pytest.raises(DuplicateKeyError):
        db.ids.insert_one({"_id": "a"})


def test_indexed_range_query_uses_the_index(db):
    db.readings.create_index([("feed", 1), ("at", -1)])
    db.readings.insert_many([{"feed": f, "at": minute} for minute in range(100) for f in ("a", "b", "c")])
    plan = db.command("explain", {"find": "readings", "filter": {"feed": "b", "at": {"$gte": 10, "$lt": 20}}})
    assert plan["queryPlanner"]["winningPlan"]["stage"] == "IXSCAN"
    assert plan["executionStats"]["totalDocsExamined"] == 10
    found = list(db.readings.find({"feed": "b", "at": {"$gte": 10, "$lt": 20}}).sort("at", 1))
    assert [doc["at"] for doc in found] == list(range(10, 20))
