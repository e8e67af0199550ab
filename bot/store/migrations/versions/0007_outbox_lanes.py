"""outbox lanes and named claims

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outboxjob", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lane", sa.String(length=48), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.alter_column(
            "payload", existing_type=sa.String(length=2000), type_=sa.String(length=8000)
        )
        batch_op.create_index("ix_outboxjob_lane", ["lane", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outboxjob", schema=None) as batch_op:
        batch_op.drop_index("ix_outboxjob_lane")
        batch_op.alter_column(
            "payload", existing_type=sa.String(length=8000), type_=sa.String(length=2000)
        )
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("lane")
