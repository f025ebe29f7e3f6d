"""The server side of Cognito's SRP-6a variant (USER_SRP_AUTH).

moto accepts any PASSWORD_VERIFIER answer; this module checks the proof for real, reusing
pycognito's helpers (the same group, hashing and HKDF the client uses), so the only
arithmetic here is the server's half of the protocol:

    x = H(pad(salt) | H(poolName | userIdForSrp | ":" | password)),  v = g^x
    B = k v + g^b,  u = H(pad(A) | pad(B)),  S = (A v^u)^b
    K = HKDF(pad(S), pad(u)),  signature = HMAC(K, poolName | userId | secretBlock | time)

moto stores passwords in the clear, so the verifier is derived per exchange with a fresh
random salt; a real pool stores (salt, v) instead, which the client cannot tell apart.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from pycognito.aws_srp import (
    G_HEX,
    N_HEX,
    calculate_u,
    compute_hkdf,
    hash_sha256,
    hex_hash,
    hex_to_long,
    long_to_hex,
    pad_hex,
)

from tui.embedded.store import SrpState

BIG_N = hex_to_long(N_HEX)
G = hex_to_long(G_HEX)
# k = H(00 | N | 0g), exactly as pycognito (and amazon-cognito-identity-js) compute it.
K = hex_to_long(hex_hash("00" + N_HEX + "0" + G_HEX))

# Cognito's TIMESTAMP: "Tue Jan 2 03:04:05 UTC 2024" (the day is not zero-padded).
TIMESTAMP = re.compile(r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2} UTC \d{4}\Z")


def pool_name(pool_id: str) -> str:
    """The part of the pool id after the underscore: what SRP hashes as the pool."""
    return pool_id.split("_", 1)[1]


def valid_public_value(srp_a_hex: str) -> int | None:
    """A as an integer, or None when it is not hex or A mod N is zero (the SRP safety
    check: such an A would let the client skip knowing the password)."""
    try:
        big_a = hex_to_long(srp_a_hex)
    except ValueError:
        return None
    return None if big_a % BIG_N == 0 else big_a


def start(pool_id: str, user_id_for_srp: str, password: str, big_a: int) -> SrpState:
    """Pick b and a salt, derive the verifier for this exchange and compute B."""
    salt_hex = pad_hex(secrets.token_hex(16))
    inner = hash_sha256(f"{pool_name(pool_id)}{user_id_for_srp}:{password}".encode())
    x = hex_to_long(hex_hash(pad_hex(salt_hex) + inner))
    verifier = pow(G, x, BIG_N)
    while True:
        small_b = secrets.randbelow(BIG_N - 2) + 1
        big_b = (K * verifier + pow(G, small_b, BIG_N)) % BIG_N
        if big_b != 0 and calculate_u(big_a, big_b) != 0:
            break
    return SrpState(
        small_b=small_b,
        big_b=big_b,
        big_a=big_a,
        verifier=verifier,
        salt_hex=salt_hex,
        secret_block=base64.b64encode(secrets.token_bytes(192)).decode(),
        user_id_for_srp=user_id_for_srp,
    )


def challenge_parameters(state: SrpState, username: str) -> dict[str, str]:
    return {
        "SALT": state.salt_hex,
        "SRP_B": long_to_hex(state.big_b),
        "SECRET_BLOCK": state.secret_block,
        "USER_ID_FOR_SRP": state.user_id_for_srp,
        "USERNAME": username,
    }


def verify(state: SrpState, pool_id: str, timestamp: str, signature: str) -> bool:
    """True when `signature` proves knowledge of the password behind the verifier."""
    u = calculate_u(state.big_a, state.big_b)
    shared = pow(state.big_a * pow(state.verifier, u, BIG_N) % BIG_N, state.small_b, BIG_N)
    key = compute_hkdf(
        bytearray.fromhex(pad_hex(shared)), bytearray.fromhex(pad_hex(long_to_hex(u)))
    )
    message = (
        pool_name(pool_id).encode()
        + state.user_id_for_srp.encode()
        + base64.b64decode(state.secret_block)
        + timestamp.encode()
    )
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected.encode(), signature.encode())
