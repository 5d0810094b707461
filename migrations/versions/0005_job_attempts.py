"""job attempts: renders started per request, and which job holds a schedule's run

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('guide_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('schedule_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=128), nullable=True))


def downgrade():
    with op.batch_alter_table('schedule_runs', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')
    with op.batch_alter_table('guide_requests', schema=None) as batch_op:
        batch_op.drop_column('attempts')
