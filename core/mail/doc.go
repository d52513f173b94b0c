// Package mail sends Upwards' outgoing mail through a transactional outbox.
//
// A service queues a message in the same transaction as the change that
// causes it (Outbox.Queue inserts a pending outbox_mail row), and after the
// commit kicks the send job (Outbox.Kick enqueues TaskSend for the row). The
// job sends through a Sender (SMTP, or the mail log file in the embedded
// default) and marks the row sent, or records the failed attempt; after the
// last retry, or on a permanent SMTP rejection (5xx), the row is failed.
//
// Nothing is lost if the kick is forgotten, fails, or its task vanishes (the
// embedded Redis keeps tasks in memory only): TaskSweep runs every minute
// and re-enqueues every pending row older than a minute. Each row has one
// send task id, which asynq holds at most once in a queue; only that task
// sends (a send task with another id hands over to it), and it skips rows
// already sent, so a message is sent once. The exception is inherent to
// at-least-once delivery: a crash between the SMTP server's acceptance and
// the row's update sends the message again on the retry.
//
// Logs name mail by its outbox id, never by address, subject or body.
package mail
