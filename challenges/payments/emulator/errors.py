"""Stripe's error shape: every refusal the emulator answers is one of these."""

DOC_URL = "https://stripe.com/docs/error-codes/"


class StripeError(Exception):
    """An API error rendered as Stripe's ``{"error": {...}}`` body with its HTTP status."""

    def __init__(self, status, message, *, type="invalid_request_error", code=None, param=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param

    def body(self, request_id=None):
        error = {"message": self.message, "type": self.type}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = DOC_URL + self.code.replace("_", "-")
        if self.param:
            error["param"] = self.param
        if request_id:
            error["request_log_url"] = f"https://dashboard.stripe.com/test/logs/{request_id}"
        return {"error": error}


def invalid(message, *, code=None, param=None, status=400):
    return StripeError(status, message, code=code, param=param)


def missing(kind, object_id, param="id"):
    """Stripe's 404 for an id it does not know."""
    return StripeError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)
