"""Each neuron's rotation of its learned fast weights (m_k against D_k, see shape.py) against the smoothed
density gradient of the other decoding directions, for several window widths w (rad).

Usage: python3 rot.py RUN/model.safetensors [...]
"""
import os, sys, numpy as np
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'shape.py')).read().split("d=load(sys.argv[1])")[0])
for f in sys.argv[1:]:
    d=load(f); D=d['decoder']; F=d['omega_fast']; n=F.shape[0]; G=D.T@D
    Fo=F.copy(); np.fill_diagonal(Fo,np.diag(G)); M=np.linalg.solve(D@D.T,D@Fo)
    perp=(M[0]*D[1]-M[1]*D[0])/np.sum(D*D,0); phi=np.arctan2(D[1],D[0])
    dphi=(phi[None,:]-phi[:,None]+np.pi)%(2*np.pi)-np.pi   # angle of j relative to k (rows k)
    out=[]
    for w in [0.02,0.05,0.1,0.2,0.4,0.8]:
        K=np.exp(-0.5*(dphi/w)**2); np.fill_diagonal(K,0)
        grad=(K*np.sin(dphi)).sum(1)
        out.append(f"w={w}: {np.corrcoef(perp,grad)[0,1]:+.2f}")
    # also F's own asymmetry vs
    print(f.split('/')[-2], 'rot sd %.4f'%perp.std(), ' '.join(out))
