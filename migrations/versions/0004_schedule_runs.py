"""schedule runs: one row per scheduled period, so missed runs are caught up and none runs twice

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'schedule_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('period', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule_runs')),
        sa.UniqueConstraint('name', 'period', name=op.f('uq_schedule_runs_name')),
    )


def downgrade():
    op.drop_table('schedule_runs')
