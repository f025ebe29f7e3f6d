"""A small hand-made service model with the shape kinds cognito-idp lacks (unions,
documents, timestamps and blobs in both directions), compiled by the real compiler."""

from __future__ import annotations

from contracts.checker.compiler import compile_model
from contracts.checker.spec import Spec

MODEL = {
    "metadata": {"targetPrefix": "Synthetic", "jsonVersion": "1.1", "apiVersion": "2024-01-01"},
    "operations": {
        "Put": {
            "name": "Put",
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "PutRequest"},
            "output": {"shape": "PutResponse"},
            "errors": [{"shape": "BadThing"}],
        }
    },
    "shapes": {
        "PutRequest": {
            "type": "structure",
            "required": ["Choice"],
            "members": {
                "Choice": {"shape": "Choice"},
                "Doc": {"shape": "Doc"},
                "When": {"shape": "Stamp"},
                "Data": {"shape": "Data"},
                "Tags": {"shape": "Tags"},
                "Secret": {"shape": "Secret"},
            },
        },
        "PutResponse": {
            "type": "structure",
            "members": {"When": {"shape": "Stamp"}, "Data": {"shape": "Data"}},
        },
        "Choice": {
            "type": "structure",
            "union": True,
            "members": {"Name": {"shape": "Short"}, "Count": {"shape": "Count"}},
        },
        "Doc": {"type": "structure", "members": {}, "document": True},
        "Stamp": {"type": "timestamp"},
        "Data": {"type": "blob", "min": 1, "max": 4},
        "Tags": {
            "type": "map",
            "key": {"shape": "TagKey"},
            "value": {"shape": "Short"},
            "max": 2,
        },
        "TagKey": {"type": "string", "min": 1, "max": 5, "pattern": "[\\w]+"},
        "Short": {"type": "string", "max": 3},
        "Count": {"type": "integer", "min": 0, "max": 10},
        "Secret": {"type": "string", "sensitive": True},
        "BadThing": {
            "type": "structure",
            "members": {"message": {"shape": "Short"}},
            "exception": True,
        },
    },
}


def synthetic_spec() -> Spec:
    return Spec(compile_model(MODEL, ["ThrottlingException"], "test"), None)
