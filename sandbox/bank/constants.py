"""The sandbox bank's fixed figures."""

# The demo customer at the sandbox bank (login page: identifier ``demo``, password ``demo``).
DEMO_LOGIN = "demo"
DEMO_PASSWORD = "demo"
DEMO_ACCOUNT_HOLDER = "CLIENT DEMO"
# Each customer's account at the sandbox bank: this bank and branch, an account number derived from the
# customer's name (sandbox.bank.services.customer_iban), as a real bank gives each customer their own.
SANDBOX_BANK_CODE = "30004"
SANDBOX_BRANCH_CODE = "00000"
ACCOUNT_NUMBER_DIGITS = 11
SANDBOX_BANK_BIC = "DEMOFRPP"

# The portal's registration at the sandbox bank (the portal's PSD2_CLIENT_ID / PSD2_CLIENT_SECRET
# on the embedded default).
SANDBOX_CLIENT_ID = "portail-des-proches-sandbox"
SANDBOX_CLIENT_SECRET = "sandbox-secret"

TOKEN_SALT = "sandbox-bank-token"
TOKEN_LIFETIME_SECONDS = 3600
SESSION_KEY = "sandbox_bank_customer"

# SANDBOX_BANK_FAILURE values.
FAILURE_REJECT = "reject"  # the payment is rejected when the payer confirms
FAILURE_REJECT_REQUEST = "reject_request"  # POST /payment-requests answers 400
FAILURE_ACCEPT_THEN_REJECT = "accept_then_reject"  # accepted at confirmation, then reported rejected
FAILURE_ERROR = "error"  # every API call answers 500
FAILURE_TIMEOUT = "timeout"  # every API call answers after SANDBOX_BANK_TIMEOUT_SECONDS
FAILURE_UNKNOWN_STATUS = "unknown_status"  # GET reports a status nobody knows
FAILURE_GARBLED = "garbled"  # API answers are not JSON
FAILURE_NO_INSTANT = "no_instant"  # a bank that does not offer SCT Inst: INST payment requests answer 400

# paymentTypeInformation.localInstrument: an SEPA instant credit transfer; absent, an ordinary one.
LOCAL_INSTRUMENT_INSTANT = "INST"
LOCAL_INSTRUMENTS = frozenset({"", LOCAL_INSTRUMENT_INSTANT})
# What GET reports of an accepted instant transfer (STET: AcceptedSettlementInProcess), not yet settled.
INSTANT_ACCEPTED_STATUS = "ACSP"
