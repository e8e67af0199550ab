"""relayed messages, outbox and link attempts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "linkattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("linkattempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_linkattempt_chat_id"), ["chat_id"], unique=False)

    op.create_table(
        "outboxjob",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.String(length=2000), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "relayedmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("family_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("family_message_id", sa.BigInteger(), nullable=False),
        sa.Column("staff_message_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["familycase.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("relayedmessage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relayedmessage_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_relayedmessage_family_chat_id"), ["family_chat_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_relayedmessage_staff_message_id"), ["staff_message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("relayedmessage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relayedmessage_staff_message_id"))
        batch_op.drop_index(batch_op.f("ix_relayedmessage_family_chat_id"))
        batch_op.drop_index(batch_op.f("ix_relayedmessage_case_id"))

    op.drop_table("relayedmessage")
    op.drop_table("outboxjob")
    with op.batch_alter_table("linkattempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_linkattempt_chat_id"))

    op.drop_table("linkattempt")
