"""dienstencheques and re-integration hours: a request's cheques per hour and cheques used, a helper's code

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 07:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("helprequest", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cheques_per_hour", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cheques", sa.Integer(), nullable=True))
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("helper_code", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.drop_column("helper_code")
    with op.batch_alter_table("helprequest", schema=None) as batch_op:
        batch_op.drop_column("cheques")
        batch_op.drop_column("cheques_per_hour")
