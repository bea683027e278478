# Patches to moto 5.x, applied by local/moto-server.ts before the server starts.
#
# 1. DynamoDB conditional writes are atomic in AWS; moto serves requests on threads and checks a
#    condition, then writes, with no lock between, so two concurrent conditional puts could both win
#    (seen: two planners both taking one lease). Writes to the backend are serialised here.
#
# 2. Speed-ups for SQS: they change how fast moto answers, not what it answers. moto did work
#    proportional to a queue's depth, several times over, for every message sent, received or deleted,
#    so a queue a few thousand deep answered in seconds (measured: sending 1,000 messages onto a queue
#    holding 2,000 took 157 s, now 1 s):
# - moto's unix_time() builds datetimes, and SQS calls it twice per queued message on every call:
#   time.time() is the same value, far cheaper; visibility is judged against one clock reading per call;
# - SendMessage reads the queue's attributes only for ContentBasedDeduplication, and ReceiveMessage only
#   for MessageRetentionPeriod (per message), yet each read builds every attribute, including three
#   message counts that scan the whole queue: those paths read the one value they need;
# - DeleteMessage scanned the queue twice and rebuilt it; it now stops at the message it deletes.
#
# 3. SQS keeps the X-Ray trace header of SendMessage/SendMessageBatch, as AWS does: the request's
#    X-Amzn-Trace-Id header becomes each message's AWSTraceHeader system attribute (an explicit
#    AWSTraceHeader in MessageSystemAttributes takes precedence), and ReceiveMessage returns it.
#    https://docs.aws.amazon.com/xray/latest/devguide/xray-services-sqs.html
#    The SDK sets that header inside Lambda (_X_AMZN_TRACE_ID); the local event source player reads it
#    to apply Lambda's recursive loop detection (local/lambda-recursion.ts). moto dropped it.
#
# 4. CloudFormation's AWS::Lambda::Url: moto's Lambda API has CreateFunctionUrlConfig, but its
#    CloudFormation had no model for the resource, so a stack with a function URL (the webhook
#    receiver) left it out and failed on the output reading its FunctionUrl. The model below creates
#    the URL config through the Lambda backend. The URL moto makes answers nothing: the local run
#    fronts the receiver with its own loopback HTTP server (local/function-url-front.ts).
import threading
import time

from moto.core.common_models import CloudFormationModel
import moto.awslambda.models as lambda_models

import moto.core.utils as core_utils
import moto.sqs.models as sqs_models

_original_unix_time = core_utils.unix_time


def _unix_time(dt=None):
    return time.time() if dt is None else _original_unix_time(dt)


def _unix_time_millis(dt=None):
    return _unix_time(dt) * 1000.0


for _module in (core_utils, sqs_models):
    _module.unix_time = _unix_time
    _module.unix_time_millis = _unix_time_millis

_sending = threading.local()
_COUNTS = {
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesDelayed",
    "ApproximateNumberOfMessagesNotVisible",
}
_original_attributes = sqs_models.Queue.attributes.fget


def _attributes(queue):
    if not getattr(_sending, "active", False):
        return _original_attributes(queue)
    # As moto's Queue.attributes, without the counts (nothing on the send path reads them).
    names = [name for name in queue.BASE_ATTRIBUTES if name not in _COUNTS]
    if queue.fifo_queue:
        names += queue.FIFO_ATTRIBUTES
    if queue.kms_master_key_id:
        names += queue.KMS_ATTRIBUTES
    result = {name: getattr(queue, core_utils.camelcase_to_underscores(name)) for name in names}
    if queue.policy:
        result["Policy"] = queue.policy
    if queue.redrive_policy:
        result["RedrivePolicy"] = sqs_models.json.dumps(queue.redrive_policy)
    return {key: str(value).lower() if isinstance(value, bool) else value for key, value in result.items()}


sqs_models.Queue.attributes = property(_attributes)
_original_send_message = sqs_models.SQSBackend.send_message


def _send_message(self, *args, **kwargs):
    _sending.active = True
    try:
        return _original_send_message(self, *args, **kwargs)
    finally:
        _sending.active = False


sqs_models.SQSBackend.send_message = _send_message


def _is_message_valid_based_on_retention_period(self, queue_name, message):
    queue = self.get_queue(queue_name)
    return int(queue.message_retention_period) + message.sent_timestamp / 1000 > time.time()


sqs_models.SQSBackend.is_message_valid_based_on_retention_period = _is_message_valid_based_on_retention_period


def _visible_messages(queue):
    now = time.time() * 1000.0
    return [m for m in queue._messages if now > m.visible_at and not now < m.delayed_until]


def _count_delayed(queue):
    now = time.time() * 1000.0
    return sum(1 for m in queue._messages if now < m.delayed_until)


def _count_not_visible(queue):
    now = time.time() * 1000.0
    return sum(1 for m in queue._messages if not now > m.visible_at)


sqs_models.Queue.messages = property(_visible_messages)
sqs_models.Queue.approximate_number_of_messages_delayed = property(_count_delayed)
sqs_models.Queue.approximate_number_of_messages_not_visible = property(_count_not_visible)


def _delete_message(queue, receipt_handle):
    if receipt_handle in queue.deleted_messages:
        return  # already deleted: moto, like SQS, accepts it again
    for index, message in enumerate(queue._messages):
        if message.had_receipt_handle(receipt_handle):
            del queue._messages[index]
            queue.pending_messages.discard(message)
            queue.deleted_messages.update(message.all_receipt_handles)
            return
    raise sqs_models.ReceiptHandleIsInvalid()


sqs_models.Queue.delete_message = _delete_message


import functools

import moto.dynamodb.models as dynamodb_models

_dynamodb_write_lock = threading.RLock()


def _serialised(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _dynamodb_write_lock:
            return method(*args, **kwargs)

    return wrapper


for _name in ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item"):
    setattr(dynamodb_models.DynamoDBBackend, _name, _serialised(getattr(dynamodb_models.DynamoDBBackend, _name)))


import moto.sqs.responses as sqs_responses

_trace = threading.local()


def _trace_header(response):
    for name, value in (response.headers or {}).items():
        if name.lower() == "x-amzn-trace-id" and value:
            return value
    return None


def _keeping_trace_header(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        _trace.header = _trace_header(self)
        try:
            return method(self, *args, **kwargs)
        finally:
            _trace.header = None

    return wrapper


for _name in ("send_message", "send_message_batch"):
    setattr(sqs_responses.SQSResponse, _name, _keeping_trace_header(getattr(sqs_responses.SQSResponse, _name)))

_send_message_keeping_counts = sqs_models.SQSBackend.send_message


def _send_message_with_trace(self, *args, **kwargs):
    header = getattr(_trace, "header", None)
    if header and not (kwargs.get("system_attributes") or {}).get("AWSTraceHeader"):
        kwargs["system_attributes"] = {
            **(kwargs.get("system_attributes") or {}),
            "AWSTraceHeader": {"DataType": "String", "StringValue": header},
        }
    return _send_message_keeping_counts(self, *args, **kwargs)


sqs_models.SQSBackend.send_message = _send_message_with_trace


class _FunctionUrl(CloudFormationModel):
    # moto files each model under the service its module names (moto.<service>.models).
    __module__ = "moto.awslambda.models"

    def __init__(self, function_arn, url):
        self.function_arn = function_arn
        self.url = url

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::Lambda::Url"

    @property
    def physical_resource_id(self):
        return self.function_arn

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr in ("FunctionUrl", "FunctionArn")

    def get_cfn_attribute(self, attribute_name):
        return self.url if attribute_name == "FunctionUrl" else self.function_arn

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        backend = lambda_models.lambda_backends[account_id][region_name]
        config = backend.create_function_url_config(
            properties["TargetFunctionArn"],
            {"AuthType": properties.get("AuthType"), "InvokeMode": properties.get("InvokeMode"), "Cors": properties.get("Cors")},
        )
        return cls(properties["TargetFunctionArn"], config.url)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        backend = lambda_models.lambda_backends[account_id][region_name]
        backend.delete_function_url_config(cloudformation_json["Properties"]["TargetFunctionArn"])
