"""Aggregation through pymongo: the stages and expressions the dashboards use."""
import datetime


def test_group_sort_and_date_trunc(db):
    base = datetime.datetime(2024, 7, 27, 8, 0)
    db.readings.insert_many([
        {"feed": "openmeteo", "key": key, "at": base + datetime.timedelta(minutes=15 * step), "values": {"temperature": 20 + step}}
        for key in ("Paris", "Lyon") for step in range(8)
    ])
    hourly = list(db.readings.aggregate([
        {"$match": {"feed": "openmeteo", "key": "Paris"}},
        {"$group": {"_id": {"$dateTrunc": {"date": "$at", "unit": "hour"}},
                    "count": {"$sum": 1}, "max": {"$max": "$values.temperature"}, "avg": {"$avg": "$values.temperature"}}},
        {"$sort": {"_id": 1}},
    ]))
    assert [row["count"] for row in hourly] == [4, 4]
    assert [row["max"] for row in hourly] == [23, 27]
    assert [row["avg"] for row in hourly] == [21.5, 25.5]
    assert hourly[0]["_id"] == base


def test_count_unwind_project_and_sort_by_count(db):
    db.tags.insert_many([{"tags": ["a", "b"]}, {"tags": ["a"]}, {"tags": []}])
    assert list(db.tags.aggregate([{"$unwind": "$tags"}, {"$sortByCount": "$tags"}])) == [
        {"_id": "a", "count": 2}, {"_id": "b", "count": 1}]
    assert list(db.tags.aggregate([{"$match": {"tags": "a"}}, {"$count": "n"}])) == [{"n": 2}]
    projected = list(db.tags.aggregate([{"$project": {"_id": 0, "size": {"$size": "$tags"}}}, {"$sort": {"size": -1}}]))
    assert projected == [{"size": 2}, {"size": 1}, {"size": 0}]


def test_unsupported_stage_is_an_error_naming_it(db):
    import pymongo.errors
    db.x.insert_one({"a": 1})
    try:
        list(db.x.aggregate([{"$lookup": {"from": "y", "localField": "a", "foreignField": "a", "as": "j"}}]))
    except pymongo.errors.OperationFailure as error:
        assert "$lookup" in str(error)
    else:
        raise AssertionError("$lookup must be refused, not ignored")
