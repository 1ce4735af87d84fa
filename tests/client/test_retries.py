"""Retries: what is retried, how long it waits, and that a write is never applied twice."""

from __future__ import annotations

import email.utils
import json
import time

import httpx
import pytest

from codat_connections import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncCodatConnections,
    AuthenticationError,
    BadRequestError,
    CodatConnections,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from codat_connections._headers import parse_retry_after
from codat_connections._retries import RetryPolicy
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, COMPANY, CONNECTION, codat_error, mock_client, use_test_clock, wire_connection

ERROR_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
}


def scripted(*answers: int | Exception) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A transport answering each request with the next scripted status (or raising the exception)."""
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if answer == 200:
            return httpx.Response(200, json=wire_connection())
        return httpx.Response(answer, json=codat_error(answer, "failure"))

    return httpx.MockTransport(handler), seen


def make(transport: httpx.MockTransport, **kwargs: object) -> CodatConnections:
    client = CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=transport), **kwargs)  # type: ignore[arg-type]
    use_test_clock(client)
    return client


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_reads_are_retried_on_transient_statuses(status: int, sleeps: list[float]) -> None:
    transport, seen = scripted(status, status, 200)
    assert make(transport).connections.get(COMPANY, CONNECTION).id
    assert len(seen) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 422, 501])
def test_reads_are_not_retried_on_other_statuses(status: int, sleeps: list[float]) -> None:
    transport, seen = scripted(status, 200)
    with pytest.raises(APIStatusError) as caught:
        make(transport).connections.get(COMPANY, CONNECTION)
    assert caught.value.status_code == status
    assert type(caught.value) is (ERROR_BY_STATUS.get(status) or InternalServerError)
    assert len(seen) == 1
    assert sleeps == []


def test_budget_is_max_retries_then_the_last_error(sleeps: list[float]) -> None:
    transport, seen = scripted(503, 503, 503, 503)
    with pytest.raises(InternalServerError):
        make(transport, max_retries=2).connections.get(COMPANY, CONNECTION)
    assert len(seen) == 3
    transport, seen = scripted(503)
    with pytest.raises(InternalServerError):
        make(transport, max_retries=0).connections.get(COMPANY, CONNECTION)
    assert len(seen) == 1


def test_connection_errors_and_timeouts_are_retried_then_typed(sleeps: list[float]) -> None:
    transport, seen = scripted(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), 200)
    assert make(transport).connections.get(COMPANY, CONNECTION).id
    assert len(seen) == 3
    transport, _ = scripted(httpx.ConnectTimeout("x"), httpx.ConnectTimeout("x"), httpx.ConnectTimeout("x"))
    with pytest.raises(APITimeoutError):
        make(transport).connections.get(COMPANY, CONNECTION)
    transport, _ = scripted(httpx.RemoteProtocolError("reset"), httpx.ReadError("x"), httpx.ReadError("x"))
    with pytest.raises(APIConnectionError) as caught:
        make(transport).connections.get(COMPANY, CONNECTION)
    assert not isinstance(caught.value, APITimeoutError)
    assert isinstance(caught.value.__cause__, httpx.ReadError)


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(max_retries=10)
    error = InternalServerError(status_code=500, method="GET", path="/", url="https://x/", body=b"", headers={})
    for attempt, nominal in enumerate([0.5, 1, 2, 4, 8, 8, 8]):
        delay, why = policy.decide(error, retries_done=attempt, keyed_write=False)
        assert delay is not None
        assert why is None
        assert 0.75 * nominal <= delay <= nominal


def test_retry_after_seconds_is_honoured(sleeps: list[float]) -> None:
    answers = iter([429, 429, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        if status == 200:
            return httpx.Response(200, json=wire_connection())
        return httpx.Response(429, json=codat_error(429, "slow down"), headers={"Retry-After": "3"})

    assert mock_client(handler).connections.get(COMPANY, CONNECTION).id
    assert sleeps == [3.0, 3.0]


def test_retry_after_http_date_is_honoured(sleeps: list[float]) -> None:
    when = email.utils.formatdate(time.time() + 10, usegmt=True)
    answers = iter([429, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        if next(answers) == 200:
            return httpx.Response(200, json=wire_connection())
        return httpx.Response(429, json=codat_error(429, "slow down"), headers={"Retry-After": when})

    assert mock_client(handler).connections.get(COMPANY, CONNECTION).id
    assert len(sleeps) == 1, "the retry's wait and the client-wide pause are one number, the date read once"
    assert 8 <= sleeps[0] <= 10


def test_parse_retry_after_forms() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("7", now=now) == 7
    assert parse_retry_after(" 0.5 ", now=now) == 0.5
    assert parse_retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == 30
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0
    for junk in (None, "", "soon", "nan", "inf", "Mon, 99 Foo 2024"):
        assert parse_retry_after(junk, now=now) is None


def test_long_retry_after_raises_at_once(sleeps: list[float]) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(429, json=codat_error(429, "slow down"), headers={"Retry-After": "61"})

    with pytest.raises(RateLimitError) as caught:
        mock_client(handler).connections.list(COMPANY)
    assert caught.value.retry_after == 61
    assert calls == 1
    assert sleeps == []


# -- writes -----------------------------------------------------------------------------------
def test_create_sends_one_key_on_every_attempt(sleeps: list[float]) -> None:
    transport, seen = scripted(httpx.ConnectError("x"), 429, 409, 200)
    assert make(transport, max_retries=3).connections.create(COMPANY, "gbol").id
    keys = {r.headers["idempotency-key"] for r in seen}
    assert len(seen) == 4
    assert len(keys) == 1
    assert json.loads(seen[0].content) == {"platformKey": "gbol"}


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_create_and_unlink_are_not_retried_on_5xx(status: int, sleeps: list[float]) -> None:
    transport, seen = scripted(status, 200)
    with pytest.raises(APIStatusError) as caught:
        make(transport).connections.create(COMPANY, "gbol")
    assert str(caught.value).endswith("; not retried: Codat replays this answer for the same Idempotency-Key")
    assert caught.value.status_code == status
    assert len(seen) == 1
    transport, seen = scripted(status, 200)
    with pytest.raises(APIStatusError, match="not retried: Codat replays this answer") as caught:
        make(transport).connections.unlink(COMPANY, CONNECTION)
    assert caught.value.status_code == status
    assert len(seen) == 1


def test_each_logical_create_gets_a_fresh_key_unless_given(sleeps: list[float]) -> None:
    transport, seen = scripted(200, 200, 200)
    client = make(transport)
    client.connections.create(COMPANY, "gbol")
    client.connections.create(COMPANY, "gbol")
    client.connections.create(COMPANY, "gbol", idempotency_key="order-42")
    keys = [r.headers["idempotency-key"] for r in seen]
    assert keys[0] != keys[1]
    assert keys[2] == "order-42"


def test_reads_send_no_idempotency_key(sleeps: list[float]) -> None:
    transport, seen = scripted(200)
    make(transport).connections.get(COMPANY, CONNECTION)
    assert "idempotency-key" not in seen[0].headers


def test_create_lost_in_transit_is_applied_once(client: CodatConnections, fake: FakeCodat, company: str) -> None:
    """The fake applies the create, then the answer is lost; the retry replays the first answer."""
    fake.drop_connection(method="POST", after_processing=True)
    created = client.connections.create(company, "gbol")
    posts = fake.requests_to("POST")
    assert len(posts) == 2
    assert posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]
    assert [c.id for c in client.connections.list_all(company)] == [created.id]


def test_create_5xx_is_not_retried_against_the_fake(client: CodatConnections, fake: FakeCodat, company: str) -> None:
    fake.fail_with_status(500, method="POST")
    with pytest.raises(InternalServerError):
        client.connections.create(company, "gbol")
    assert len(fake.requests_to("POST")) == 1


def test_conflict_on_create_is_retried_with_the_same_key(
    client: CodatConnections, fake: FakeCodat, company: str
) -> None:
    fake.fail_with_status(409, method="POST", times=2)
    client.connections.create(company, "gbol")
    posts = fake.requests_to("POST")
    assert [p.status for p in posts] == [409, 409, 200]
    assert len({p.headers["idempotency-key"] for p in posts}) == 1


def test_conflict_beyond_the_budget_raises(client: CodatConnections, fake: FakeCodat, company: str) -> None:
    fake.fail_with_status(409, method="POST", times=5)
    with pytest.raises(ConflictError):
        client.connections.create(company, "gbol")
    assert len(fake.requests_to("POST")) == 3
    assert client.connections.list_all(company) == []


def test_delete_whose_answer_was_lost_succeeds_on_retry(
    client: CodatConnections, fake: FakeCodat, company: str
) -> None:
    conn = client.connections.create(company, "gbol")
    fake.drop_connection(method="DELETE", after_processing=True)
    client.connections.delete(company, conn.id)
    assert [r.status for r in fake.requests_to("DELETE")] == [None, 404]


def test_rate_limit_storm_on_reads_against_the_fake(
    client: CodatConnections, fake: FakeCodat, company: str, sleeps: list[float]
) -> None:
    fake.seed_connections(company, 3)
    fake.rate_limit(times=2, retry_after="2")
    assert len(client.connections.list_all(company)) == 3
    assert sleeps == [2.0, 2.0]


async def test_async_create_retries_with_one_key(aclient: AsyncCodatConnections, fake: FakeCodat, company: str) -> None:
    fake.rate_limit(method="POST", retry_after="0")
    fake.drop_connection(method="POST", after_processing=True)
    created = await aclient.connections.create(company, "gbol")
    posts = fake.requests_to("POST")
    assert [p.status for p in posts] == [429, None, 200]
    assert len({p.headers["idempotency-key"] for p in posts}) == 1
    assert [c.id for c in await aclient.connections.list_all(company)] == [created.id]


async def test_async_reads_retry_5xx(
    aclient: AsyncCodatConnections, fake: FakeCodat, company: str, sleeps: list[float]
) -> None:
    fake.fail_with_status(503, times=2)
    assert (await aclient.connections.list(company)).results == []
    assert len(sleeps) == 2


@pytest.mark.parametrize("first", [429, 408])
def test_delete_404_after_a_429_or_408_is_a_real_404(first: int, sleeps: list[float]) -> None:
    """429 and 408 say the first attempt was not applied, so a 404 after them means it never existed."""
    transport, seen = scripted(first, 404)
    with pytest.raises(NotFoundError):
        make(transport).connections.delete(COMPANY, CONNECTION)
    assert len(seen) == 2


@pytest.mark.parametrize("first", [500, 503, httpx.ReadTimeout("lost"), httpx.RemoteProtocolError("reset")])
def test_delete_404_after_an_unknown_outcome_means_done(first: int | Exception, sleeps: list[float]) -> None:
    transport, seen = scripted(first, 404)
    make(transport).connections.delete(COMPANY, CONNECTION)
    assert len(seen) == 2


@pytest.mark.parametrize("first", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow")])
def test_delete_404_after_a_request_that_never_left_is_a_real_404(first: Exception, sleeps: list[float]) -> None:
    transport, seen = scripted(first, 404)
    with pytest.raises(NotFoundError):
        make(transport).connections.delete(COMPANY, CONNECTION)
    assert len(seen) == 2


def test_delete_404_after_an_unknown_outcome_then_a_429_still_means_done(sleeps: list[float]) -> None:
    transport, seen = scripted(502, 429, 404)
    make(transport).connections.delete(COMPANY, CONNECTION)
    assert len(seen) == 3


def test_a_first_attempt_404_on_delete_is_raised(sleeps: list[float]) -> None:
    transport, seen = scripted(404)
    with pytest.raises(NotFoundError):
        make(transport).connections.delete(COMPANY, CONNECTION)
    assert len(seen) == 1


@pytest.mark.parametrize("status", [503, 502, 500, 408])
def test_retry_after_is_honoured_on_every_retryable_status(status: int, sleeps: list[float]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if len(sleeps) == 0:
            return httpx.Response(status, json=codat_error(status, "busy"), headers={"Retry-After": "30"})
        return httpx.Response(200, json=wire_connection())

    assert mock_client(handler).connections.get(COMPANY, CONNECTION).id
    assert sleeps == [30.0]


def test_a_retry_after_beyond_the_cap_on_a_503_is_raised_at_once_saying_why(sleeps: list[float]) -> None:
    client = mock_client(
        lambda r: httpx.Response(503, json=codat_error(503, "maintenance"), headers={"Retry-After": "120"})
    )
    with pytest.raises(InternalServerError) as caught:
        client.connections.get(COMPANY, CONNECTION)
    assert str(caught.value).endswith("Codat asked to wait 120 s (more than the 60 s this client waits); not retried")
    assert sleeps == []


def test_running_out_of_retries_says_so(sleeps: list[float]) -> None:
    transport, seen = scripted(502, 502, 502)
    with pytest.raises(InternalServerError) as caught:
        make(transport).connections.get(COMPANY, CONNECTION)
    assert "502 Bad Gateway from GET" in str(caught.value)
    assert str(caught.value).endswith("; gave up after 3 attempts")
    assert len(seen) == 3
    transport, _ = scripted(httpx.ReadError("reset"))
    with pytest.raises(APIConnectionError, match=r"not retried \(max_retries=0\)$"):
        make(transport, max_retries=0).connections.get(COMPANY, CONNECTION)


def test_a_retry_after_of_exactly_the_cap_is_waited(sleeps: list[float]) -> None:
    answers = iter([httpx.Response(429, json=codat_error(429, "slow"), headers={"Retry-After": "60"})])

    def handler(request: httpx.Request) -> httpx.Response:
        return next(answers, httpx.Response(200, json=wire_connection()))

    assert mock_client(handler).connections.get(COMPANY, CONNECTION).id
    assert sleeps == [60.0]


def test_a_keyed_write_refused_for_good_gets_no_retry_note(sleeps: list[float]) -> None:
    """The 'Codat replays this answer' note belongs to a 5xx/408 on a keyed write only."""
    transport, _ = scripted(404)
    with pytest.raises(NotFoundError) as caught:
        make(transport).connections.create(COMPANY, "gbol")
    assert "not retried" not in str(caught.value)
    assert "gave up" not in str(caught.value)
    transport, _ = scripted(404)
    with pytest.raises(NotFoundError) as read:
        make(transport).connections.get(COMPANY, CONNECTION)
    assert str(read.value).endswith("(correlation id corr-123)")


def test_default_retry_policy() -> None:
    policy = RetryPolicy()
    assert (policy.max_retries, policy.initial_delay, policy.max_delay, policy.max_retry_after) == (2, 0.5, 8.0, 60.0)
    with pytest.raises(TypeError, match="max_retries must be an integer >= 0, got bool"):
        RetryPolicy(max_retries=True)
    with pytest.raises(TypeError, match="max_retries must be an integer >= 0, got float"):
        RetryPolicy(max_retries=2.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_retries must be an integer >= 0, got -1"):
        RetryPolicy(max_retries=-1)
